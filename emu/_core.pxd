# cython: language_level=3
# C-level declarations of the core: the decoded instruction record, the state of one eCore, the
# chip, the counters.  Everything here is plain C (no Python objects), so the run loop is nogil.

from libc.stdint cimport uint8_t, uint16_t, int16_t, uint32_t, int32_t, uint64_t, int64_t

# ---- the decoded instruction record (filled by the generated decode16/decode32) --------------
cdef enum:
    RDY_F = 72           # offset of the FPU-consumer ready times in Core.rdy (>= N_TREGS)

ctypedef struct Insn:
    uint16_t op          # OP_* (0 = invalid); see emu/_gen_isa.pxi
    uint8_t size         # 2 or 4; 0 = "not decoded yet" (predecode cache miss)
    uint8_t tclass       # TC_* timing class
    uint8_t rd
    uint8_t rn
    uint8_t rm
    uint8_t cond         # condition code (branches, conditional moves)
    uint8_t sub          # 1 = index/displacement is subtracted
    uint8_t cost         # issue cycles (from the chip's timing table, filled at predecode)
    uint8_t lat          # LAT_* latency class of its results (timing model)
    uint8_t unit         # UNIT_* dual-issue group (timing model)
    int32_t imm          # immediate, sign-extended and scaled (see Insn.imm in isa/spec.py)
    uint8_t s0           # registers read (REG_NONE when unused), for dependency stalls
    uint8_t s1
    uint8_t s2
    uint8_t d0           # registers written
    uint8_t d1
    uint8_t d2
    uint8_t tflags       # TF_*: FPU flags read/written, FPU unit, long-latency result
    uint8_t pairs        # issue units this one may dual-issue with (from the timing table)
    uint8_t rsel         # 0 or RDY_F: the ready times it waits on (IALU or FPU consumer)
    uint8_t w1           # second register written with its latency (pair, FPU flags) or REG_SINK
    uint16_t wr_i        # scoreboard entry of its results for IALU/load-store consumers:
    uint16_t wr_f        #   2 * latency + (from a load); wr_f the same for FPU consumers
    uint16_t blk         # slot of the timed blocks starting here in Chip.blocks (0: none)
    uint64_t dep_mask    # GPRs read or written, as a bit set (RAW/WAW checks; from s0..d2);
                         # the FPU flags share bit 63 (a false dependency costs only speed)
    uint64_t wr_mask     # GPRs written (with the result latency, and a post-modified base
                         # ready at once: TF_FAST); 48 bytes in all (a predecode page of 4 KB
                         # holds the records of 170 bytes of code)

# ---- results of executing one instruction -----------------------------------------------------
cdef enum:
    EXEC_OK = 0          # fall through to npc = pc + size
    EXEC_TAKEN = 1       # control transfer: npc was set by the semantics (taken-branch penalty)
    EXEC_STOP = 2        # leave the run loop; c.stop holds the reason
    EXEC_EXCEPTION = 3   # a software exception was raised (EXCAUSE set, ILAT[1] latched)
    EXEC_YIELD = 4       # not executed: it touches shared state, and the core runs in the
                         # parallel phase of a slice (Core.p1; chip_run)
    EXEC_OTHER = -1      # execute_ldst: not a load or store (nothing ran)

# ---- why the core hands control back to Python (one enum; emu/stops.py documents each) -------
cdef enum:
    STOP_NONE = 0
    STOP_MAX_CYCLES = 1
    STOP_BRK = 2       # a host breakpoint (Engine.break_add): before the instruction runs
    STOP_TRAP = 3
    STOP_EXIT = 4
    STOP_ALL_IDLE = 5
    STOP_BREAKPOINT = 6
    STOP_WATCH = 7
    STOP_IRQ = 8         # a core entered an interrupt handler (Engine.set_irq_stop)
    STOP_INVALID_INSN = 9
    STOP_MEM_FAULT = 10
    STOP_UNALIGNED = 11
    STOP_USER = 12
    STOP_DEADLOCK = 14
    STOP_FETCH_FAULT = 15
    STOP_DMA_FAULT = 16
    STOP_TRACE_FULL = 17
    STOP_YIELD = 18      # (internal: the parallel phase of a core ends before an instruction
                         # that touches shared state; chip_run goes on with it in the serial one)

# SRAM block flags (Core.code_blk, one per 256 bytes)
cdef enum:
    BLK_CODE = 1         # holds decoded instructions (stores there invalidate them)
    BLK_WATCH = 2        # overlaps a watched range (stores there are checked)

# a watched range of global addresses (Engine.watch_add): stores into it (WATCH_WRITE) or
# loads from it (WATCH_READ) stop the run
cdef enum:
    WATCH_WRITE = 1
    WATCH_READ = 2

ctypedef struct Watch:
    uint32_t lo
    uint32_t hi          # exclusive
    int id
    int kind             # WATCH_WRITE | WATCH_READ

# addressing modes of loads/stores (compile-time constants passed to sem_load/sem_store)
cdef enum:
    AM_IDX = 0
    AM_PM = 1
    AM_DISP = 2
    AM_DPM = 3

# memory-region kinds returned by address decoding (addr_decode, emu/_mem.pxi)
cdef enum:
    MK_NONE = 0          # nothing there: a fault
    MK_SRAM = 1          # a core's local memory
    MK_MMR = 2           # a core's memory-mapped registers (32-bit accesses only)
    MK_EXT = 3           # an external region (DRAM, the flat simulator memory)

cdef struct Core     # forward

# where an address lives: the one answer of addr_decode for every access path
ctypedef struct Loc:
    int kind             # MK_*
    int region           # external region index (MK_EXT), else -1
    Core* core           # the core whose SRAM or registers it is (MK_SRAM, MK_MMR), else NULL
    uint32_t off         # offset in that core's space or in the region
    uint8_t* p           # the bytes (MK_SRAM, MK_EXT), else NULL

# policies for faults the program could handle itself
cdef enum:
    POLICY_STOP = 0      # stop the run with a report (default)
    POLICY_REPORT = 1    # record it and continue with hardware semantics
    POLICY_TRAP = 2      # deliver the architectural exception to the program

# ---- counters (only the run loop and the memory layer increment these) ------------------------
ctypedef struct Counters:
    uint64_t n_insns
    uint64_t cycles
    uint64_t stall_cycles
    uint64_t idle_cycles
    uint64_t branch_cycles
    uint64_t n_loads_local
    uint64_t n_stores_local
    uint64_t n_loads_remote
    uint64_t n_stores_remote
    uint64_t n_ext_reads
    uint64_t n_ext_writes
    uint64_t bytes_loads_local
    uint64_t bytes_stores_local
    uint64_t bytes_loads_remote
    uint64_t bytes_stores_remote
    uint64_t bytes_ext_reads
    uint64_t bytes_ext_writes
    uint64_t remote_stall_cycles
    uint64_t ext_stall_cycles
    uint64_t dma_bytes
    uint64_t dma_remote_reads        # DMA elements read from another core (rMesh round trips)
    uint64_t dma_remote_writes       # ... written to another core (cMesh)
    uint64_t dma_bytes_remote_read
    uint64_t dma_bytes_remote_written
    uint64_t dma_ext_reads           # ... read from / written to off-chip memory
    uint64_t dma_ext_writes
    uint64_t dma_bytes_ext_read
    uint64_t dma_bytes_ext_written
    uint64_t dma_stall_cycles        # engine waiting for links, the eLink or a local bank
    uint64_t dma_bank_conflict_cycles  # ... of which: its local bank was busy with fetch
    uint64_t n_traps
    uint64_t n_interrupts
    uint64_t n_unaligned
    uint64_t n_by_tclass[8]
    uint64_t dep_stall_cycles      # waiting for a register (RAW/WAW), not a load's data
    uint64_t load_stall_cycles     # waiting for the data of a load (load-use)
    uint64_t n_dual_issue          # instructions issued together with the previous one
    uint64_t fetch_stall_cycles    # fetch line penalties, fetch from another core or off-chip
    uint64_t bank_conflict_cycles  # instruction fetch stalled behind a load/store in its bank
    uint64_t n_fetch_remote        # 8-byte instruction lines fetched from another core's SRAM
    uint64_t n_fetch_ext           # ... from off-chip memory (over the eLink)

# one record of --unaligned=report
ctypedef struct UnalignedRec:
    uint32_t pc
    uint32_t addr
    uint8_t size         # log2 of the access size
    uint8_t is_store
    uint16_t pad

cdef struct Chip      # forward

# ---- timed blocks (emu/_blocks.pxi): straight-line code with its pipeline schedule -------------
ctypedef struct BlkMeta:
    uint32_t pc          # the instruction's address
    int32_t off          # issue cycle of the instruction, from the block's start
    uint8_t chk          # not IALU: look at the memory layer's stall, bank, attention after it
    uint8_t cbank        # 0x80 | bank if a local access here delays the next fetch (else 1)
    uint8_t shift_ok     # a stall here delays everything after it by as much
    uint8_t last         # the block's last instruction
    uint8_t plain_next   # the instruction after it is plain (execute_plain runs it)
    uint8_t br           # a trace's branch it goes on after (0: none): 1 + its exit's index
                         # in Block.exits
    uint8_t br_st        # ... the way it goes on (EXEC_OK: falls through, EXEC_TAKEN: jumps)
    uint8_t back         # ... jumping back (not after it in the parallel phase: p1_spin_check)

ctypedef struct BlkWrite:    # a register's scoreboard entries the block leaves:
    uint16_t reg         # rdy[reg] = 2 * start + vi, rdy[RDY_F + reg] = 2 * start + vf
    uint16_t k           # written by instruction k (stalls up to k's move it)
    uint32_t vi
    uint32_t vf

ctypedef struct BlkCheck:    # a condition on a register pending when the block starts
    uint16_t idx
    uint16_t exact       # 1: rdy[idx] == 2 * start + val; 0: landed, rdy[idx] < 2 * (start + val)
    uint32_t val

# per-instruction-address profile (profiling only; parallel to the predecode cache)
ctypedef struct ProfEntry:
    uint64_t n_exec
    uint64_t cycles      # cycles from this instruction's issue slot to the next one's
    uint64_t n_remote    # accesses that went to another core
    uint64_t n_ext       # accesses that went off-chip

cdef struct Block    # forward

ctypedef struct BlkLink:      # a block that followed another one
    Block* to
    uint64_t frees       # valid while Chip.blk_frees is this (no block was freed since)

cdef struct Block:
    const Insn* entry    # the predecode entry it starts at (validity: also gen)
    uint64_t gen         # Chip.code_gen when it was built
    Block* next          # another block for the same entry, built for another entry state
    uint32_t pc
    uint32_t end_pc      # the instruction after it
    uint32_t last_off    # its last instruction's pc, from its start
    int32_t end_off      # the cycle after its last instruction, from its start
    int32_t last_cyc     # the cycle before its last instruction, from its start
    uint16_t n
    uint16_t n_ialu      # ... of which IALU-class, FPU-class (CTIMERs counting them)
    uint16_t n_fpu
    uint16_t nw
    uint16_t nc
    uint8_t pm           # pair_mask it was built for
    uint32_t fpx         # the CONFIG bits (exception enables, ARITHMODE) it was built for
    uint8_t exit_pm      # pair_mask, prev_dst, prev_ialu after it (when it falls through)
    uint64_t exit_pd
    uint64_t exit_pi
    uint64_t entry_pd    # prev_dst, prev_ialu it was built for (0 after a jump)
    uint64_t entry_pi
    uint64_t dep_union   # registers its instructions read or write
    BlkLink link[2]      # the block that followed it when it fell through (0) or jumped (1)
                         # (a hardware loop going back to LS counts as falling through)
    uint64_t entry_pend  # ... of which pending at its start
    uint64_t pend_out    # ... of which pending at its end
    uint32_t n_dual      # its counters
    uint32_t dep_stall
    uint32_t load_stall
    uint32_t fetch_stall
    uint8_t stats        # some counter above is not 0
    uint8_t bcond_exit   # its last instruction is a B<cond> (run_blocks runs sem_bcond itself)
    uint8_t plain0       # its first instruction is plain
    uint8_t tight        # a loop of one block of plain instructions (_L ones too) and a
                         # B<cond> (not BL) back to its start, self_loop: run_blocks runs its
                         # iterations in a loop of their own
    uint8_t local        # its loads and stores in their _L variant (run_plain_mem)
    uint8_t lconf        # ... of which those that may take a bank conflict (local_conflict)
    uint8_t conf_seen    # one did (run_tight_mem takes them from then on)
    uint8_t self_loop    # ... back to its start, and a run that jumps back without a stall
                         # (2: even with stalls) leaves the state it fits (run_blocks runs
                         # it again at once; block_self_loop)
    uint8_t trace        # branches it goes on after (BlkMeta.br; block_build follows them)
    uint32_t br_cyc      # ... the penalty cycles of those that jump
    Block** exits        # exits[j]: the block that ends at the j-th of them, a run leaving
                         # there ends as a run of it (its schedule is the same up to there)
    uint64_t nrun        # its runs that left at its end (an exit's block: at that exit)
    uint32_t flip        # the path it was built for: bit j turns the j-th branch followed the
                         # other way than block_make guesses (block_trace_adapt)
    uint8_t maxbr        # branches followed at most, and the paths tried, for this entry
    uint8_t tries
    uint8_t ft_loop      # as self_loop for a trace whose last branch falls through to its
                         # start (block_ft_loop)
    uint8_t hw_loop      # as self_loop for a run that falls through to its start (a hardware
                         # loop's body from LS to LE: block_hw_loop)
    int32_t period       # the cycles of such a run (end_off, and the taken-branch penalty
                         # for self_loop)
    uint32_t builds      # schedules built for this entry (in the first block of its slot)
    uint32_t size        # bytes allocated for it
    BlkWrite* w
    BlkCheck* cs
    BlkMeta* meta
    Insn* ins            # copies of its instructions
    # profiling (_observe.pxi prof_block_ran): its runs without a stall are counted here and
    # added to the profile entries of its instructions later (prof_block_flush)
    ProfEntry* prof      # the profile entry of its first instruction (set at a counted run)
    uint64_t prof_runs   # runs not yet added
    uint64_t prof_last   # ... the cycles of their last instruction, summed
    int32_t prof_pre     # the end of its second-to-last instruction in its schedule
    uint32_t prof_clamped  # bit k: instruction k (< n - 1) ends with the one before it

# one executed instruction, for --trace (formatted by emu/trace.py)
ctypedef struct TraceRec:
    uint64_t cycle
    uint32_t pc
    uint32_t word        # the instruction bits (16 or 32)
    uint16_t core
    uint8_t size
    uint8_t nreg         # registers written, recorded below (0..2)
    uint8_t reg[2]
    uint8_t wsize        # bytes of memory written (0 = none)
    uint8_t pad
    uint32_t regval[2]
    uint32_t waddr
    uint32_t pad2
    uint64_t wval

# one direction of one mesh link (or the eLink): when it is free, and what crossed it.  Mesh
# links count time in ticks of a quarter cycle (MESH_TICK, emu/_mesh.pxi: a hop takes 0.75
# cycles); busy_cycles and the eLink's busy_until are in cycles.
ctypedef struct Link:
    uint64_t busy_until
    uint64_t last_start  # the latest start booked (transactions at or after it are in order)
    uint64_t bytes
    uint64_t busy_cycles  # (the eLink's; a mesh link's are its packets)
    uint64_t packets
    # a mesh link's load in the recent past (link_book: LINK_BUCKETS buckets of LINK_BUCKET
    # cycles, a ring): where a transaction earlier than the latest booking finds its slot
    uint32_t tag[16]     # the absolute bucket number + 1 each entry holds
    uint8_t used[16]     # transactions booked in it

# a shared server booked by cores that may run out of step by up to a scheduling slice (the
# eLink, the off-chip read path): requests in time order queue exactly behind each other;
# a request earlier than ones already booked finds the load of its own CAL_BUCKET-cycle bucket
# (emu/_mesh.pxi cal_book)
ctypedef struct Cal:
    uint64_t last_start  # the latest start booked (requests at or after it are in order)
    uint64_t busy_until  # ... and when that booking ends
    uint32_t* used       # busy cycles per bucket (CAL_BUCKETS of them, a ring)
    uint64_t* tag        # the absolute bucket number each ring entry holds

# a write in flight on the mesh or the eLink, visible at `arrival`
ctypedef struct PendingWrite:
    uint64_t arrival
    uint64_t seq
    uint64_t value
    uint32_t off         # offset in the target core's space or the external region
    int16_t dst          # core index (SRAM/MMR) or external region index
    int16_t src          # writing core
    uint8_t lsz
    uint8_t kind         # PW_SRAM / PW_MMR / PW_EXT

ctypedef struct PairTime:
    uint64_t modelled    # the modelled arrival of the last write from one core to another
    uint64_t arrival     # ... and when it was made visible (later if the target ran ahead)

ctypedef struct ExtRegion:
    uint32_t base
    uint32_t size
    uint8_t* mem
    Insn** pages         # predecode pages (4 KiB of code each), allocated on first fetch
    Insn* pd_all         # a plain region's predecode records, all in one (lazily mapped;
                         # pages[] point into it): one fetch window for the whole region
    int pd_tried         # ... mapping pd_all was tried (NULL: the windows are pages)
    uint32_t pd_pages    # ... the pages it holds (the first ones; those after are pages)
    uint32_t load_latency  # cycles a core stalls per load from this region (timing off)
    uint32_t store_cost    # cycles a core spends per store to this region (timing off)
    int direct             # a plain memory (the flat simulator layout): no eLink, no latency
    ProfEntry** prof_pages # profile per code page (profiling only)
    uint32_t* dhist        # profiling: reads and writes per 64-byte block (2 per block)

# ---- architectural state of one eCore ---------------------------------------------------------
cdef struct Core:
    uint32_t r[64]
    uint32_t pc
    uint32_t npc         # next PC (set before execute; branches overwrite it)
    # STATUS, unpacked: af = AZ|AN<<1|AC<<2|AV<<3 and bf = BZ|BN<<1 (the bits conditions
    # test, packed so a condition is one table lookup), sticky/other flags as 0/1 bytes, the
    # remaining STATUS bits in status_rest
    uint8_t af
    uint8_t bf
    uint8_t avs
    uint8_t bv
    uint8_t bis
    uint8_t bvs
    uint8_t bus
    uint8_t active
    uint32_t status_rest # GID(1) KM(2) WAND(3) BC(11) EXCAUSE(19:16) and reserved bits
    uint32_t config
    uint32_t lc
    uint32_t ls
    uint32_t le
    uint32_t blk_le      # LE while a hardware loop is active (LC != 0), else all-ones (the
                         # blocks' check: block_fits; kept by attn_update)
    uint32_t iret
    uint32_t imask
    uint32_t ilat
    uint32_t ipend
    uint32_t ctimer[2]
    uint32_t debugstatus
    uint32_t dma[16]
    uint32_t dma_outer_stride[2]
    uint32_t dma_inner_reload[2]
    uint8_t dma_active   # bit k: channel k is transferring
    uint8_t dma_error[2]
    uint64_t dma_clock   # core time up to which the DMA engine has been advanced
    uint64_t dma_last_return[2]  # per channel: when the last element's data lands
    uint8_t dma_bank_phase       # alternates: fetch takes every other cycle of a shared bank
    uint32_t memconfig
    uint32_t memstatus
    uint32_t memprotect
    uint32_t meshconfig
    uint32_t coreid
    uint32_t multicast
    uint32_t iab
    uint32_t ivt_base    # where vector i lives: ivt_base + 4*i (0 on hardware; see Chip docs)
    # derived / bookkeeping
    int index            # position in chip.cores
    int row
    int col
    uint8_t attn         # something needs the slow path: irq_pending|idle|timer_on|lc|halted
    uint8_t irq_pending  # an interrupt may be taken at the next instruction boundary
    uint8_t irq_delay    # instructions to run before interrupts are checked again (GIE)
    uint8_t idle         # executed IDLE, waiting for an interrupt
    uint8_t halted       # DEBUGSTATUS.HALT (BKPT, DEBUGCMD, exit)
    uint8_t single_step  # run_core returns after one instruction (debuggers, tests)
    uint8_t trace_on     # --trace includes this core
    uint8_t exited       # the program called exit
    uint8_t timer_on     # some CTIMER counts
    uint64_t tmr_seen[2] # per CTIMER: its event counter when last counted (stall/dual modes)
    uint8_t watch_hit    # a store (load) hit a watched range: stop before the next instruction
    uint8_t int_mode     # CONFIG.ARITHMODE == integer
    uint8_t rmode        # CONFIG.RMODE
    int exit_code
    # memory
    uint8_t* sram
    uint32_t sram_size
    Insn* pd             # predecode cache of sram (sram_size/2 entries)
    uint8_t* code_blk    # 1 per 256-byte block of sram that holds decoded code
    # instruction fetch window (local sram, or one page of external memory)
    uint32_t win_base
    uint32_t win_size
    uint8_t* win_mem
    Insn* win_pd
    uint8_t* win_blk     # code-block flags for the window (NULL for external pages)
    ExtRegion* win_ext   # the region whose whole window it is (ExtRegion.pd_all), or NULL
    ExtRegion* win_region  # the off-chip region the fetch window is in, or NULL (fetch_far)
    ProfEntry* win_prof  # profile entries parallel to win_pd (profiling only)
    ProfEntry* prof      # profile of this core's SRAM code (profiling only)
    uint32_t* dhist      # profiling: reads and writes per 64-byte block of this SRAM
    uint64_t acc_remote  # accesses of the current instruction to other cores / off-chip
    uint64_t acc_ext
    uint32_t tr_waddr    # the current instruction's memory write (tracing)
    uint8_t tr_wsize
    uint64_t tr_wval
    # why the run stopped and details for the report
    int stop
    uint32_t stop_pc
    uint32_t fault_addr
    uint8_t fault_size
    uint8_t fault_store
    uint32_t fault_word
    uint32_t trap_num
    uint32_t watch_pc    # the store that hit a watched range
    int last_irq         # the interrupt entered at the last STOP_IRQ
    uint32_t brk_skip    # resuming at a host breakpoint: run the instruction there once
    uint8_t brk_armed    # ... when set (armed by the stop, cleared by a PC change)
    Insn brk_tmp         # that instruction, decoded outside the predecode cache
    # pipeline model.  Scoreboard of long-latency results (loads, FPU): per register (GPRs,
    # FPU flags, the never-written source REG_NONE, the never-read sink REG_SINK), the first
    # cycle an instruction reading it may issue, times 2, plus 1 when the value comes from a
    # load (stall accounting): rdy[k] for IALU/load-store consumers, rdy[RDY_F + k] for
    # FPU/IALU2 consumers.  Exact for the registers in `pending`; for the others in the
    # past, or at most a cycle ahead for FPU consumers of an IALU result (which wait that
    # cycle anyway).
    uint64_t rdy[2 * RDY_F]
    uint64_t pending     # GPRs whose ready time may lie in the future (loads, FPU results)
    uint64_t prev_dst    # GPRs written by the previous instruction
    uint64_t prev_ialu   # ... when it was an IALU instruction (IALU -> FPU separation)
    uint8_t pair_mask    # issue units that may dual-issue with the previous instruction
    uint8_t after_jump   # the previous instruction was a taken control transfer
    uint64_t stall_acc   # stall cycles the memory layer charged to the current instruction
    uint64_t now         # issue cycle of the instruction being executed (mesh timing)
    uint8_t lbank        # 0x80 | bank of the current instruction's local SRAM access
    # the timed blocks run while the CTIMERs count only clock (or idle) cycles: they are then
    # counted once per run_blocks call (run_core_blocks), not per instruction
    uint8_t attn_blk     # attn, but for such timers: the blocks' slow-path flag
    uint8_t tmr_cls      # a CTIMER counts IALU or FPU instructions: the blocks count theirs
    uint64_t blk_ialu    # ... in these (run_blocks_timers)
    uint64_t blk_fpu
    uint8_t tmr_blk      # inside run_blocks (the timers are counted when it returns)
    uint8_t tmr_yield    # a timer or hardware loop register was accessed there: it yielded,
                         # run_core_blocks goes on instruction by instruction from it
    uint8_t at_edge      # the timed run loop stopped after a taken jump (or a hardware loop
                         # going back to LS) to try a block
    # mesh model (emu/_mesh.pxi), in ticks of a quarter cycle
    uint64_t ni_free_q   # when the mesh interface can send this core's next write
    uint64_t rd_free_q   # when this node can serve the next read request from the mesh
    # instruction fetch from outside the core's SRAM (another core, off-chip): the 8-byte
    # line in the fetch buffer (fetch_line - 1; 0 = none), and whether the window is far
    uint32_t fetch_line
    uint8_t win_far
    uint8_t cut          # communication began in a coarse slice: stop at the slice's new end
    uint8_t p1           # it runs in the parallel phase of a slice (chip_run): it stops before
                         # anything that touches another core, off-chip memory or the chip
    int p1_stop          # a stop met in the parallel phase, reported in the serial one
    uint8_t p1_ran       # it ran in this slice's parallel phase (run calls are counted once)
    uint8_t p1_spin      # it spins (p1_spin_check): it leaves the parallel phase
    uint32_t p1_bb       # backward jumps taken in parallel phases (p1_spin_check samples them)
    uint32_t sig_pc      # the state at the last sample: where the jump went, the registers,
    uint32_t sig_lc      # flags and loop count, and the stores made so far
    uint32_t sig_flags
    uint64_t sig_stores
    uint32_t sig_r[64]
    # parked spins (chip_run, park_*): a core whose polling loop only reads its own memory
    # and repeats itself exactly is not run while nothing touches it; its time and counters
    # are brought up to date (park_release) before anything can see them
    uint8_t spinchk      # after_insn samples backward jumps: 1 in the parallel phase
                         # (p1_spin_check), 2 or 3 in a serial slice that may park it
                         # (park_sample; 3: a fine one, where it also scans)
    uint8_t park_req     # park_sample asks chip_run to look at the state (the loop stopped)
    uint8_t park_state   # 0: sampling; 3: scanning for the sampled state; 1: a state taken
                         # at park_head, waiting for it there again; 2: parked
    uint8_t parked
    uint32_t park_head   # the loop's head (the backward jump's target)
    uint32_t park_bb     # backward jumps sampled so far
    uint32_t park_miss   # backward jumps elsewhere while waiting for the head (park_state 1)
    uint64_t park_sig    # park_sample's filter: what one iteration must not have done, and
    uint32_t park_sig_pc # the state at its last sample (as sig_*, which belong to
    uint32_t park_sig_lc # p1_spin_check: the parallel phase must see them as if nothing
    uint32_t park_sig_flags  # were parked)
    uint32_t park_sig_r[64]
    uint64_t touch       # writes into it and other cores' accesses to its registers so far
    uint64_t park_until  # parked: the cycle it has run to (the end of the slice it was in)
    uint64_t park_period # parked: cycles per iteration
    uint64_t park_insns  # instructions its parked iterations stood for (a statistic)
    void* park_info      # ParkInfo* (emu/_core.pyx), allocated on first use
    # its timed blocks (emu/_blocks.pxi): its own, so that cores in the parallel phase of a
    # slice build, run and drop blocks each on its own
    Block** blocks       # BLK_SLOTS slots, each a list of blocks for one entry; slot 0 unused
    uint8_t* heat        # BLK_HEAT counters of arrivals at entries without a block (by pc)
    uint32_t blk_next    # the next slot to (re)use
    uint32_t blk_top     # the highest slot used since the last flush (slots above are NULL)
    uint64_t code_gen    # bumped whenever code it decoded changes: older blocks are stale
    uint64_t blk_bytes   # memory held by blocks
    uint64_t blk_built
    uint64_t blk_runs
    uint64_t blk_loops   # ... of which straight after the run before (Block.self_loop)
    uint64_t blk_tight   # ... of which in run_tight (Block.tight)
    uint64_t blk_demoted # loads and stores of its blocks that lost their _L variant
    uint64_t blk_side    # runs of its traces that left at a branch (Block.exits)
    uint64_t blk_retired # traces retired for another path (block_trace_adapt)
    uint64_t blk_insns   # instructions of the runs of its blocks (not those handed over)
    # a block's plain run (run_plain_mem, run_tight_mem): bank conflicts its loads and stores
    # in their _L variant met and took as a one-cycle stall (bit k: instruction k of the
    # block), and how many more they may take (BLK_SHIFTS, the slice's end)
    uint32_t blk_conf
    int32_t blk_cap
    uint64_t blk_frees   # blocks freed so far (Block.link is valid while this is unchanged)
    uint64_t blk_deviations
    uint64_t blk_mismatch  # replays that disagreed with a block's schedule (must stay 0)
    # the chip this core belongs to
    Chip* chip
    Counters cnt

# the timing parameters of emu.timing.TimingModel, flattened (TimingModel.c_params() gives
# them by field name; Engine.set_timing fills this struct from that dict)
ctypedef struct Timing:
    uint32_t tc_cost[8]      # issue cycles per TC_* class
    uint32_t branch_penalty
    int timed                # pipeline model on (dependencies, dual issue, fetch line penalty)
    uint32_t lat_i[4]        # per LAT_* class: cycles after issue until an IALU consumer can issue
    uint32_t lat_f[4]        # ... until an FPU consumer can issue
    uint8_t pairs[4]         # per UNIT_*: bit set of units it may dual-issue with
    # mesh (ticks of a quarter cycle)
    uint32_t hop_q           # per router hop, every mesh
    uint32_t store_depart_q  # a store's transaction leaves the core this long after issue (E1)
    uint32_t load_sample_q   # a load samples memory this long after issue (E2)
    uint32_t ni_near_q       # the mesh interface sends a write every ni_near_q when it ends at
    uint32_t ni_far_q        # the first router, every ni_far_q when it goes further
    uint32_t read_service_q  # a node serves one read request from the mesh per read_service_q
    uint32_t read_fixed_q    # the rest of a remote read's round trip (request out, data in)
    uint32_t mesh_write_buffer   # cycles of writes the mesh interface queues before a core waits
    # eLink and off-chip memory (cycles)
    uint32_t elink_byte_cycles   # per byte on the eLink wires
    uint32_t elink_packet_cycles # per packet, burst or not
    uint32_t elink_frame_cycles  # per packet that starts a new frame (not a burst continuation)
    uint32_t ext_read_cycles     # an off-chip read: from its request leaving the eLink to its
                                 # answer starting back
    uint32_t ext_read_interval   # the off-chip side serves one read per this many cycles
    uint32_t ext_write_latency
    uint32_t ext_write_buffer
    uint32_t fine_quantum    # slice length while cores communicate
    uint32_t hot_window      # how long after the last remote access slices stay fine
    uint32_t tight_quantum   # slice length right after a remote access
    uint32_t tight_window    # ... for so many cycles

cdef struct Chip:
    Core* cores
    int ncores
    int rows
    int cols
    int first_row
    int first_col
    int16_t* core_of_id  # coreid (12 bits) -> index into cores, -1 if none
    ExtRegion ext[4]
    int next
    int unaligned_policy
    int fault_policy
    int excause_e4       # use the Epiphany-IV cause codes (to diff against the GNU simulator)
    int arch_ev          # an Epiphany-V: FEXT/FDEP/LFSR execute (else unimplemented)
    UnalignedRec* unaligned_log
    uint32_t unaligned_log_cap
    uint32_t unaligned_log_len
    uint64_t now         # global time (cycles) at the start of the current quantum
    uint64_t last_writes # deadlock detection: memory writes seen at the last check
    uint64_t* seen       # deadlock detection: hashes of whole-chip states since the last write
    uint32_t seen_cap
    uint32_t seen_len
    uint32_t quantum
    Timing tm            # the timing parameters (emu/timing.py)
    # mesh and eLink model
    Link* clinks         # cMesh (on-chip writes, read replies): 4 per core, N E S W
    Link* rlinks         # rMesh (read requests)
    Link* xlinks         # xMesh (off-chip writes)
    Link elink_tx        # off-chip writes and read requests (counters; the wires are tx_cal)
    Link elink_rx        # off-chip read answers (counters; the read path is rd_cal)
    uint64_t elink_rx_reads
    Cal tx_cal           # the eLink's chip-to-FPGA wires
    Cal rd_cal           # the off-chip read path (FPGA, DRAM, answers)
    uint64_t tx_burst_addr   # the last 64-bit write on the eLink (a burst continues at +8)
    uint64_t tx_burst_end    # ... and when its packet ends
    uint64_t slice_end       # end of the scheduler's current slice (may be cut short)
    uint32_t span_mult       # coarse slices last quantum * span_mult cycles (adapted)
    uint64_t last_comm      # last cycle a core touched another core or off-chip memory
    uint64_t last_deadlock_check
    uint64_t last_write_change
    uint64_t deadlock_samples
    int nlive               # cores running (not exited, halted or idle); counted up to 2
    int observe             # profiling, tracing or read watches: the observed loops run
    int profiling
    int tracing
    TraceRec* trace
    uint32_t trace_cap
    uint32_t trace_len
    uint32_t trace_lo       # --trace address range [lo, hi)
    uint32_t trace_hi
    # timed blocks (emu/_blocks.pxi; each core has its own: Core.blocks)
    uint64_t blk_memory  # bytes of blocks a core holds before they are all dropped
    int use_blocks       # run timed code block by block (same cycles; off only for tests)
    int blk_traces       # blocks go on after direct branches (traces; same cycles)
    int blk_hot          # arrivals at an entry before its first block is built (1: at once)
    int use_skip         # pass over slices in which nothing can happen (same cycles)
    PendingWrite* pend
    PairTime* pair_time  # ncores x ncores, [src * ncores + dst] (lazy: see causal_arrival)
    uint32_t npend
    uint32_t pend_cap
    uint64_t pend_seq
    # watched ranges (stores into them stop the run: STOP_WATCH), and a stop asked for from
    # another thread (STOP_USER, seen at the next slice boundary)
    Watch* watches
    int nwatch
    int nrwatch          # how many watch loads (checked on the observed paths only)
    uint32_t* brks       # host breakpoints (PC values; see brk_at)
    int nbrk
    int watch_next_id
    volatile int stop_request
    int irq_stop             # stop the run whenever a core enters an interrupt (hooks)
    uint64_t n_slices        # scheduler slices run (host work that is not instructions)
    uint64_t n_core_calls    # ... and run_core calls in them
    # the parallel phase of coarse slices (chip_run, chip_parallel_phase)
    int threads              # host threads that run it (1: the calling thread alone)
    void* pool               # epool* (emu/pool.h), made on first use
    int* p1_list             # cores that run in it (ncores entries)
    uint64_t p1_end          # ... until this cycle
    uint64_t n_parallel      # parallel phases run
    uint64_t n_pool_phases   # ... of which on the pool's threads
    uint64_t p1_avg          # instructions per parallel phase, a running average
    int pool_failed          # no thread could be started: the calling thread runs them
    uint64_t n_parallel_insns  # ... and the instructions run in them
    int use_parking          # park spinning cores (chip_run; same results, off for tests)
    int nparked              # cores parked now
    int park_on              # this slice may park cores (serial, unobserved)
    uint64_t n_parks         # times a core was parked (a statistic)
    uint64_t n_park_looks    # ... and park_look's looks at a loop's head
