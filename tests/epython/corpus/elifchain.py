x=3
if x==1:
    print 1
elif x==2:
    print 2
elif x==3:
    print 3
print 4
