/* bench: 1-D Jacobi on 16 cores: 256 points, a halo swap with each neighbour per
   iteration (sendrecv), the largest change reduced every 10 iterations, 40 iterations */
from parallel import *

POINTS=256
ITERATIONS=40
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
    if its%10 == 0:
        biggest=reduce(change, "max")
        if me == 0: print "iteration "+its+": largest change "+biggest
