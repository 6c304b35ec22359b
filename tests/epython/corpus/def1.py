def f(a, b=2, c="x"):
    return a+b
print f(1)
print f(1,5)
x=3
print f(x, x)
