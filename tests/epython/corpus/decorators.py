@something
def f():
    return 1
@exportable
def g():
    return 2
print f()
