/* halo swap: each core holds 3 values plus a halo cell on each side and swaps its edge
   values with its neighbours with sendrecv */
from parallel import *

me=coreid()
n=numcores()
data=[0]*5
i=1
while i <= 3:
    data[i]=me*10+i
    i+=1
if me > 0: data[0]=sendrecv(data[1], me-1)
if me < n-1: data[4]=sendrecv(data[3], me+1)
print "Halos "+data[0]+" and "+data[4]
