/* 1-D Jacobi iteration for Laplace's equation: 16 points split over the cores, fixed
   boundaries 1.0 and 10.0, a halo swap with each neighbour every iteration, the largest
   change reduced every 4 iterations and the sum of all points at the end.  After 12
   iterations every value is a multiple of 1/4096, so float32 holds all of them exactly. */
from parallel import *

POINTS=16
ITERATIONS=12
me=coreid()
n=numcores()
local=POINTS/n
data=[0.0]*(local+2)
fresh=[0.0]*(local+2)
if me == 0: data[0]=1.0
if me == n-1: data[local+1]=10.0
its=0
while its < ITERATIONS:
    if me > 0: data[0]=sendrecv(data[1], me-1)
    if me < n-1: data[local+1]=sendrecv(data[local], me+1)
    change=0.0
    i=1
    while i <= local:
        fresh[i]=0.5*(data[i-1]+data[i+1])
        d=fresh[i]-data[i]
        if d < 0: d=0-d
        if d > change: change=d
        i+=1
    i=1
    while i <= local:
        data[i]=fresh[i]
        i+=1
    its+=1
    if its%4 == 0:
        biggest=reduce(change, "max")
        if me == 0: print "iteration "+its+": largest change "+biggest
line="core "+me+":"
i=1
while i <= local:
    line=line+" "+data[i]
    i+=1
print line
mine=0.0
i=1
while i <= local:
    mine=mine+data[i]
    i+=1
total=reduce(mine, "sum")
if me == 0: print "sum "+total
