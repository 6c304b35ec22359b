/* merge sort across cores: core 0 makes 16 numbers, gives each core a quarter to sort,
   then merges the sorted quarters */
from parallel import *
from util import *

SIZE=16
n=numcores()
part=SIZE/n
if coreid() == 0:
    data=[0]*SIZE
    seed=7
    i=0
    while i < SIZE:
        seed=(seed*37+11)%101
        data[i]=seed
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
    mine=[0]*part
    j=0
    while j < part:
        mine[j]=data[j]
        j+=1
    oddSort(mine)
    merged=mine
    size=part
    p=1
    while p < n:
        other=recv(p, part)
        out=[0]*(size+part)
        a=0
        b=0
        k=0
        while k < size+part:
            takeA=false
            if b >= part: takeA=true
            if a < size and b < part:
                if merged[a] <= other[b]: takeA=true
            if takeA:
                out[k]=merged[a]
                a+=1
            else:
                out[k]=other[b]
                b+=1
            k+=1
        merged=out
        size=size+part
        p+=1
    line="Sorted:"
    for v in merged:
        line=line+" "+v
    print line
else:
    mine=recv(0, part)
    oddSort(mine)
    send(mine, 0, part)
    print "Core "+coreid()+" sorted "+part+" numbers"
