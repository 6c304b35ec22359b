i=0
while i<10:
    i+=1
    if i==5:
        print i
    elif i==6:
        print 6
    elif i==7:
        pass
    else:
        x=1
for j in [1,2,3]:
    for k in [4,5]:
        print j*k
