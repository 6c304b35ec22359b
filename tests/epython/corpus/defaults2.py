def f(a, b=[1,2], c=none):
    if c is none: c=3
    return a+b[0]+c
print f(1)
