def f():
    return none
x=f()
if x is none: print "none"
