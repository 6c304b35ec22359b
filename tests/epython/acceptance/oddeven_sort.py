/* parallel odd-even transposition sort, one value per core: in each of n phases
   neighbouring cores swap values with sendrecv and keep the smaller (left) or the larger
   (right); the values are then printed in core order, a barrier between two prints */
from parallel import *

me=coreid()
n=numcores()
value=(me*37+11)%50
print "core "+me+" starts with "+value
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
sync()
i=0
while i < n:
    if i == me: print "core "+me+" holds "+value
    sync()
    i+=1
