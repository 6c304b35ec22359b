def add(a,b):
    return a+b
def apply(f, x, y):
    return f(x, y)
print apply(add, 1, 2)
