/* parallel odd-even transposition sort: one value per core; in each phase neighbouring
   pairs of cores swap values with sendrecv and keep the smaller (left) or larger (right)
   one.  The sorted values are then printed in core order. */
from parallel import *

me=coreid()
n=numcores()
value=(me*7+3)%10
phase=0
while phase < n:
    partner=-1
    if (phase+me)%2 == 0:
        if me+1 < n: partner=me+1
    else:
        if me > 0: partner=me-1
    if partner >= 0:
        other=sendrecv(value, partner)
        if partner > me:
            if other < value: value=other
        else:
            if other > value: value=other
    phase+=1
i=0
while i < n:
    if i == me: print "Core "+me+" holds "+value
    sync()
    i+=1
