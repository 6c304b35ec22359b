/* by reference: a parameter is the caller's variable; an expression argument is a copy */
from parallel import *

def inc(a):
    a=a+1

def swap(a, b):
    t=a
    a=b
    b=t

def fill(arr, n, v):
    i=0
    while i < n:
        arr[i]=v+i
        i+=1

me=coreid()
x=me
inc(x)
inc(x)
print x
p=me
q=100-me
swap(p, q)
print p+" "+q
data=[0]*(me%4+2)
fill(data, me%4+2, me*10)
print data[0]+data[me%4+1]
k=5
inc(k+me)
print k
