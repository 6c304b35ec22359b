/* loops on every core: for over inclusive ranges, nested loops, while */
from parallel import *
from util import *

me=coreid()
s=0
for k in range(me):
    s=s+k
print s
line=""
for k in range(1, 13, 3):
    line=line+k+" "
print line
n=0
for x in range(1, me%3+1):
    for y in range(1, 3):
        n=n+x*y
print n
count=0
steps=0
while count < 50+me:
    count=count+7
    steps+=1
print count+" after "+steps
t=0.0
i=0
while i < 10:
    t=t+0.1
    i+=1
print t
