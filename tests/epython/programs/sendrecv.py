/* point-to-point: pass a token around a ring of cores, adding one at each core,
   then send a whole list from core 0 to the last core */
from parallel import *

me=coreid()
n=numcores()
if me == 0:
    send(1, 1)
    token=recv(n-1)
    print "Token came back as "+token
else:
    token=recv(me-1)
    send(token+1, (me+1)%n)
    print "Passed on "+(token+1)
if me == 0:
    send([5, 6, 7], n-1, 3)
if me == n-1:
    got=recv(0, 3)
    print "Got "+got[0]+" "+got[1]+" "+got[2]
