def sq(a):
    return a*a
g=sq
print g(3)
h=[1,2]
print id(h)
print symbol(h)
alias(h, 3)
