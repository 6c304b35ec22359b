/* pipeline: core 0 feeds 1..5 into a chain of cores, stage k (between the first and the
   last core) turns v into 2*v+k, the last core prints what comes out; -1 flows down the
   chain to stop it.  On one core, core 0 is both ends of the chain. */
from parallel import *

COUNT=5
me=coreid()
n=numcores()
if me == 0:
    i=1
    while i <= COUNT:
        if n > 1:
            send(i, 1)
        else:
            print "result "+i
        i+=1
    if n > 1: send(-1, 1)
if me > 0 and me < n-1:
    v=recv(me-1)
    while v >= 0:
        send(2*v+me, me+1)
        v=recv(me-1)
    send(-1, me+1)
    print "stage "+me+" done"
if me == n-1 and n > 1:
    v=recv(me-1)
    while v >= 0:
        print "result "+v
        v=recv(me-1)
if me == n-1: print "end of the pipeline"
