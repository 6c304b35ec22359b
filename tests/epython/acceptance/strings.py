/* strings on every core: concatenation with ints, reals, booleans and none; equality */
from parallel import *

me=coreid()
s="core "+me
print s
t=s+" of "+numcores()
print t
print "half is "+(me/2.0)
print "even: "+(me%2 == 0)
print "nothing: "+none
u=""
i=0
while i <= me%5:
    u=u+i
    i+=1
print "digits "+u
if s == "core 0": print "I am the first"
if s != "core 0": print "I am not the first"
w=me+" apples"
print w
