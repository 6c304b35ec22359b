from util import *
for i in range(3):
    print i
for i in range(1,10,3):
    print i
s=0
for x in range(10):
    s=s+x
print s
