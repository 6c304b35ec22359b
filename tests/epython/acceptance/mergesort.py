/* merge sort over the cores: core 0 makes 32 numbers and sends each core its share, every
   core sorts its share with oddSort, then the shares are merged pairwise up a tree
   (core k takes core k+step's sorted run, step = 1, 2, 4, ...) until core 0 holds them all */
from parallel import *
from util import *

SIZE=32
n=numcores()
part=SIZE/n
me=coreid()
mine=[0]*part
if me == 0:
    data=[0]*SIZE
    seed=13
    i=0
    while i < SIZE:
        seed=(seed*75+74)%65537
        data[i]=seed%1000
        i+=1
    p=1
    while p < n:
        chunk=[0]*part
        j=0
        while j < part:
            chunk[j]=data[p*part+j]
            j+=1
        send(chunk, p, part)
        p+=1
    j=0
    while j < part:
        mine[j]=data[j]
        j+=1
else:
    mine=recv(0, part)
oddSort(mine)
print "core "+me+" sorted "+part+" numbers"
size=part
step=1
active=true
while step < n:
    if active:
        if me%(2*step) == 0:
            other=recv(me+step, size)
            merged=[0]*(2*size)
            a=0
            b=0
            k=0
            while k < 2*size:
                takeA=false
                if b >= size: takeA=true
                if a < size and b < size:
                    if mine[a] <= other[b]: takeA=true
                if takeA:
                    merged[k]=mine[a]
                    a+=1
                else:
                    merged[k]=other[b]
                    b+=1
                k+=1
            mine=merged
            size=size*2
        else:
            send(mine, me-step, size)
            active=false
    step=step*2
if me == 0:
    line="sorted:"
    for v in mine:
        line=line+" "+v
    print line
