a=1
while a<3:
    if a==1:
        for k in [1]:
            while k<2:
                k+=1
    else:
        a=a+0
    a+=1
print a
