/* run-time errors: each core makes one of four mistakes, chosen by its id, after printing
   a line; the host reports the error and that core stops, the others go on */
from parallel import *
from array import array

me=coreid()
kind=me%4
print "core "+me+" makes mistake "+kind
if kind == 0:
    a=array(3)
    x=a[me+3]
if kind == 1:
    f=5
    f(1)
if kind == 2:
    s="abc"
    if s < "abd": print "strings compared"
if kind == 3:
    b=[1, 2]
    y=b[0-1]
print "core "+me+" never gets here"
