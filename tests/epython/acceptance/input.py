/* input: core 0 asks for a count and a scale (the host works out their types), every core
   gets them by broadcast */
from parallel import *

count=0
scale=0.0
if coreid() == 0:
    count=input("Count? ")
    scale=input()
count=bcast(count, 0)
scale=bcast(scale, 0)
print "count "+count+" scale "+scale
print count*coreid()+scale
