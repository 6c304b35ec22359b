a=none
if a is none == true: print 1
