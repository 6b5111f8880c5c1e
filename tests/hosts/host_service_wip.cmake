# The HostService handlers as a library, until bridge/service/CMakeLists.txt lists them:
# then pipebridge_host_service_wip is only a name for pipebridge_service, and this file
# (and its two include() lines) can go. Included by tests/hosts and bench/hosts.
if(NOT TARGET pipebridge_host_service_wip)
  get_target_property(_pb_service_sources pipebridge_service SOURCES)
  if("host_service.cc" IN_LIST _pb_service_sources)
    add_library(pipebridge_host_service_wip INTERFACE)
    target_link_libraries(pipebridge_host_service_wip INTERFACE pipebridge_service)
  else()
    # json_struct.cc and task_runner.cc are compiled in too, so nothing here needs the
    # other core modules.
    add_library(pipebridge_host_service_wip
      ${PROJECT_SOURCE_DIR}/bridge/service/host_service.cc
      ${PROJECT_SOURCE_DIR}/bridge/service/host_proto.cc
      ${PROJECT_SOURCE_DIR}/bridge/service/host_attach_stream.cc
      ${PROJECT_SOURCE_DIR}/bridge/service/host_event_publisher.cc
      ${PROJECT_SOURCE_DIR}/bridge/service/invoke_stream.cc
      ${PROJECT_SOURCE_DIR}/bridge/service/json_struct.cc
      ${PROJECT_SOURCE_DIR}/bridge/service/task_runner.cc)
    target_link_libraries(pipebridge_host_service_wip PUBLIC
      pipebridge_rpc pipebridge_proto pipebridge_core_hosts pipebridge_core_events Threads::Threads)
    pipebridge_set_target_defaults(pipebridge_host_service_wip)
  endif()
endif()
