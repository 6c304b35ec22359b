/* Mandelbrot set in characters: the rows are dealt round-robin to the cores and printed in
   row order (every row ends at a barrier).  The steps are binary fractions, so every core
   computes exactly the same single-precision values. */
from parallel import *

WIDTH=24
HEIGHT=8
MAXIT=12
me=coreid()
n=numcores()
row=0
while row < HEIGHT:
    if row%n == me:
        ci=-1.125+row*0.3125
        line=""
        col=0
        while col < WIDTH:
            cr=-2.25+col*0.125
            zr=0.0
            zi=0.0
            it=0
            while it < MAXIT and zr*zr+zi*zi <= 4.0:
                t=zr*zr-zi*zi+cr
                zi=2.0*zr*zi+ci
                zr=t
                it+=1
            if it == MAXIT:
                line=line+"#"
            else:
                line=line+"."
            col+=1
        print line
    sync()
    row+=1
