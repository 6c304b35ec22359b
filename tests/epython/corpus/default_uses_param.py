def f(a, b=a):
    return a+b
print f(2)
