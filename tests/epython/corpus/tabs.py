a=1
if a==1:
	print 1
	if a==1:
		print 2
print 3
