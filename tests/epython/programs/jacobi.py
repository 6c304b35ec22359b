/* Jacobi iteration for Laplace's equation in one dimension: 12 points spread over the
   cores, fixed boundaries 1.0 and 10.0, a halo swap with each neighbour every iteration.
   After 10 iterations every value is a short binary fraction, so the output is exact. */
from parallel import *

POINTS=12
ITERATIONS=10
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
    i=1
    while i <= local:
        fresh[i]=0.5*(data[i-1]+data[i+1])
        i+=1
    i=1
    while i <= local:
        data[i]=fresh[i]
        i+=1
    its+=1

line="Core "+me+":"
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
if me == 0: print "Sum of all points after "+ITERATIONS+" iterations: "+total
