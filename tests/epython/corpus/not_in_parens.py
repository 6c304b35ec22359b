a=1
b=2
if (not a==b) and b==2: print 1
