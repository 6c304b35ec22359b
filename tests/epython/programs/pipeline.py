/* pipeline: core 0 makes the numbers 1..5, core 1 squares them, core 2 adds one, the last
   core prints them; -1 flows down the pipeline to stop it */
from parallel import *

me=coreid()
n=numcores()
if me == 0:
    i=1
    while i <= 5:
        send(i, 1)
        i+=1
    send(-1, 1)
elif me == n-1:
    v=recv(me-1)
    while v >= 0:
        print "Result "+v
        v=recv(me-1)
    print "Pipeline done"
else:
    v=recv(me-1)
    while v >= 0:
        if me == 1: v=v*v
        if me == 2: v=v+1
        send(v, me+1)
        v=recv(me-1)
    send(-1, me+1)
