/* loops: while, for over inclusive ranges, nesting */
from util import *

i=0
s=0
while i < 10:
    s=s+i
    i+=1
print s
s=0
for k in range(10):
    s=s+k
print s
for k in range(2, 8, 3):
    print k
n=0
for x in range(1, 3):
    for y in range(1, 3):
        n=n+x*y
print n
count=0
while count < 100:
    count=count+7
print count
for v in [10, 20]:
    print v
