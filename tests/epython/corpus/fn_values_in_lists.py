def f():
    return 1
def g():
    return 2
fs=[f, g]
h=fs[1]
print h()
