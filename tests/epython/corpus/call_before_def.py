print h(1, 2)
def h(a, b):
    return h2(a+b)
def h2(q):
    return q
