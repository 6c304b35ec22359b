/* halo swaps: each core holds 4 values and a halo cell at each end, filled from its
   neighbours with sendrecv (none at the chip's ends); then every core passes its first
   value to its left neighbour around a ring */
from parallel import *

me=coreid()
n=numcores()
W=4
data=[0]*(W+2)
i=1
while i <= W:
    data[i]=me*100+i
    i+=1
left=-1
right=-1
if me > 0: left=sendrecv(data[1], me-1)
if me < n-1: right=sendrecv(data[W], me+1)
data[0]=left
data[W+1]=right
print "core "+me+" halos "+data[0]+" "+data[W+1]
if n > 1:
    got=0
    if me%2 == 0:
        send(data[1], (me+n-1)%n)
        got=recv((me+1)%n)
    else:
        got=recv((me+1)%n)
        send(data[1], (me+n-1)%n)
    print "ring got "+got
