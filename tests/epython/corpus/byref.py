def inc(a):
    a=a+1
x=1
inc(x)
print x
