i=0
while i<3:
    if i==1:
        i=i+2
    else:
        i=i+1
print i
