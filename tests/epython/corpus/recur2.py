def fib(n):
    if n<2: return n
    return fib(n-1)+fib(n-2)
def g(n):
    return fib(n)
print g(10)
