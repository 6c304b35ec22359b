def f(a,b):
    return a+b
x=f(1,2)+f(3,4)
y=f(f(1,2),x)
def g(q):
    return f(q, 1)
print g(2)
