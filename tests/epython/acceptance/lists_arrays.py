/* lists and arrays on every core: [x]*n, growth past the end, one element type per list,
   array() in two dimensions, shape, size, ndim */
from parallel import *
from array import *

me=coreid()
n=me%4+3
a=[0]*n
i=0
while i < n:
    a[i]=i*me
    i+=1
s=0
for v in a:
    s=s+v
print "sum "+s
print "len "+len(a)
a[n+1]=7
print "grown to "+len(a)
print a[n]+a[n+1]
b=[0, 0, 3]
b[0]=me*0.5
print b[0]
print b[1]
print b[2]
m=array(2, me%3+2)
r=0
while r < 2:
    c=0
    while c < me%3+2:
        m[r][c]=r*100+c+me
        c+=1
    r+=1
print m[1][me%3+1]
sh=shape(m)
print sh[0]+"x"+sh[1]+" = "+size(m)
print ndim(m)
