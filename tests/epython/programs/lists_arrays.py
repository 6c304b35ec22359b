/* lists and arrays: literals, [x]*n, growth, one type per list, array(), 2-D, shape */
from array import *

a=[1, 2, 3]
print a[0]+a[1]+a[2]
b=[0]*5
b[4]=7
print b[4]
print len(b)
a[5]=9
print len(a)
print a[5]
c=[0]*3
c[1]=2.5
print c[0]
m=array(3, 4)
i=0
while i < 3:
    j=0
    while j < 4:
        m[i][j]=i*10+j
        j+=1
    i+=1
print m[2][3]
print ndim(m)
s=shape(m)
print s[0]+"x"+s[1]
print size(m)
total=0
for v in [4, 5, 6]:
    total=total+v
print total
names=[1, 2]
names[0]=names[1]*10
print names[0]
