x=1
if x==1: exit()
quit()
print x
