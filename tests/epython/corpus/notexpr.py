a=1
b=0
if not a==1 and b==0: print 1
if !a==2: print 2
c=not a
