/* functions on every core: defaults, recursion, functions as values, a call before the def */
from parallel import *

def fact(n):
    if n <= 1: return 1
    return n*fact(n-1)

def fib(n):
    if n < 2: return n
    return fib(n-1)+fib(n-2)

def scaled(v, factor=3, offset=0):
    return v*factor+offset

def add(a, b):
    return a+b

def mul(a, b):
    return a*b

def apply(f, x, y):
    return f(x, y)

def nothing():
    z=1

me=coreid()
print fact(me%8+1)
print fib(me%10)
print scaled(me)
print scaled(me, 2)
print scaled(me, 2, 100)
op=add
if me%2 == 1: op=mul
print apply(op, me, 7)
print power(2, me%11)
r=nothing()
if r is none: print "nothing returned"

def power(base, e):
    result=1
    while e > 0:
        result=result*base
        e-=1
    return result
