def f(a):
    if a: return
    return a
print f(1)
