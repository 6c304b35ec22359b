/* hello: every core greets and says who it is; after a barrier core 0 speaks for all */
from parallel import *

print "Hello world from core "+coreid()+" of "+numcores()
sync()
if coreid() == 0: print "All "+numcores()+" cores said hello"
