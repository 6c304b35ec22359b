/*
 * Hello world from every core (ePython dialect: C comments, the print statement, and
 * numbers joined to strings with +).
 */
from parallel import *
print "Hello world from core "+coreid()+" of "+numcores()
