# The fuzz targets of tests/fuzz/fuzztargets.cpp, one harness fuzz_<name> each; tst_fuzzregressions
# checks that this list and the code's agree.
set(FANOUT_FUZZ_TARGETS
    plan state journal terraform_plan terraform_dot cloudformation_json cloudformation_yaml
    compose detect mapping duration references textdecoder)
