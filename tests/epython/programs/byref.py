/* byref: parameters are passed by reference */

def inc(a):
    a=a+1

def swap(a, b):
    t=a
    a=b
    b=t

def fill(arr, n, v):
    i=0
    while i < n:
        arr[i]=v
        i+=1

x=1
inc(x)
inc(x)
print x
p=10
q=20
swap(p, q)
print p
print q
data=[0]*4
fill(data, 4, 9)
print data[0]+data[3]
inc(5)
print "literal arguments are copies"
