/* bench: a token goes 20 times around the ring of 16 cores, each core adding one */
from parallel import *

LAPS=20
me=coreid()
n=numcores()
token=0
lap=0
while lap < LAPS:
    if me == 0:
        send(token+1, 1)
        token=recv(n-1)
    else:
        token=recv(me-1)
        send(token+1, (me+1)%n)
    lap+=1
if me == 0: print "token "+token
