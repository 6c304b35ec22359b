a=1
if a==1: print 1
elif a==2:
    print 2
if a==2: print 3
