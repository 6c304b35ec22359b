/* functions: defaults, return values, recursion, hoisting, functions as values */

print add(2, 3)
print scaled(4)
print scaled(4, 3)
print scaled(4, 3, 10)
print fact(6)

def add(a, b):
    return a+b

def scaled(v, factor=2, offset=0):
    return v*factor+offset

def fact(n):
    if n <= 1: return 1
    return n*fact(n-1)

def fib(n):
    if n < 2: return n
    return fib(n-1)+fib(n-2)

def apply(f, x, y):
    return f(x, y)

def mul(a, b):
    return a*b

def nothing():
    x=1

# called after its def, fib's hidden argument variable fib#0 is its own (a call before
# the def would have made fib#0 a global, shared by every level of the recursion)
print fib(8)
print apply(add, 6, 7)
print apply(mul, 6, 7)
g=mul
print g(3, 5)
r=nothing()
if r is none: print "no value"
# hidden argument variables are shared: the second inner call overwrites add#0 (30),
# so this is add(30, 34)
print add(add(1, 2), add(30, 4))
