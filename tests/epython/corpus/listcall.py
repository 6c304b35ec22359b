def f(a):
    return a[0]
print f([5,6])
print f([1]*3)
