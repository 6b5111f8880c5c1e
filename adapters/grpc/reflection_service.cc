#include "adapters/grpc/reflection_service.h"

#include <grpcpp/support/status.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "grpc/reflection/v1/reflection.pb.h"
#include "grpc/reflection/v1alpha/reflection.pb.h"

namespace pipebridge::grpc_adapter {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptor;

// One ServerReflectionInfo stream; v1 and v1alpha differ only in their package.
template <typename Request, typename Response>
class ReflectionStream : public rpc::StreamObserver {
 public:
  ReflectionStream(const std::vector<std::string>& service_names, rpc::ServerStream& stream)
      : service_names_(service_names), stream_(stream) {}

  void OnMessage(const google::protobuf::Message& message) override {
    const auto& request = static_cast<const Request&>(message);
    Response response;
    response.set_valid_host(request.host());
    *response.mutable_original_request() = request;
    Answer(request, &response);
    stream_.Send(response);
  }

  void OnReadsDone() override { stream_.Finish(absl::OkStatus()); }

 private:
  void Answer(const Request& request, Response* response) {
    const DescriptorPool* pool = DescriptorPool::generated_pool();
    switch (request.message_request_case()) {
      case Request::kFileByFilename:
        return AnswerFile(pool->FindFileByName(request.file_by_filename()),
                          absl::StrCat("no file \"", request.file_by_filename(), "\""), response);
      case Request::kFileContainingSymbol:
        return AnswerFile(pool->FindFileContainingSymbol(request.file_containing_symbol()),
                          absl::StrCat("no symbol \"", request.file_containing_symbol(), "\""),
                          response);
      case Request::kFileContainingExtension: {
        const auto& extension = request.file_containing_extension();
        const auto* type = pool->FindMessageTypeByName(extension.containing_type());
        const auto* field =
            type == nullptr ? nullptr : pool->FindExtensionByNumber(type, extension.extension_number());
        return AnswerFile(field == nullptr ? nullptr : field->file(),
                          absl::StrCat("no extension ", extension.extension_number(), " of \"",
                                       extension.containing_type(), "\""),
                          response);
      }
      case Request::kAllExtensionNumbersOfType: {
        const auto* type = pool->FindMessageTypeByName(request.all_extension_numbers_of_type());
        if (type == nullptr) {
          return Error(grpc::StatusCode::NOT_FOUND,
                       absl::StrCat("no message type \"", request.all_extension_numbers_of_type(), "\""),
                       response);
        }
        std::vector<const google::protobuf::FieldDescriptor*> extensions;
        pool->FindAllExtensions(type, &extensions);
        auto* numbers = response->mutable_all_extension_numbers_response();
        numbers->set_base_type_name(type->full_name());
        for (const auto* field : extensions) numbers->add_extension_number(field->number());
        return;
      }
      case Request::kListServices: {
        auto* list = response->mutable_list_services_response();
        for (const auto& name : service_names_) list->add_service()->set_name(name);
        return;
      }
      case Request::MESSAGE_REQUEST_NOT_SET:
        break;
    }
    Error(grpc::StatusCode::INVALID_ARGUMENT,
          "ServerReflectionRequest: set one of file_by_filename, file_containing_symbol, "
          "file_containing_extension, all_extension_numbers_of_type, list_services",
          response);
  }

  // The file itself, then those of its transitive imports this stream has not sent yet.
  void AnswerFile(const FileDescriptor* file, const std::string& not_found, Response* response) {
    if (file == nullptr) return Error(grpc::StatusCode::NOT_FOUND, not_found, response);
    auto* files = response->mutable_file_descriptor_response();
    AddFile(file, files);
    AddImports(file, files);
  }

  template <typename Files>
  void AddImports(const FileDescriptor* file, Files* files) {
    for (int i = 0; i < file->dependency_count(); ++i) {
      const FileDescriptor* import = file->dependency(i);
      if (sent_files_.contains(import->name())) continue;
      AddFile(import, files);
      AddImports(import, files);
    }
  }

  template <typename Files>
  void AddFile(const FileDescriptor* file, Files* files) {
    sent_files_.insert(file->name());
    google::protobuf::FileDescriptorProto proto;
    file->CopyTo(&proto);
    proto.SerializeToString(files->add_file_descriptor_proto());
  }

  static void Error(grpc::StatusCode code, const std::string& message, Response* response) {
    auto* error = response->mutable_error_response();
    error->set_error_code(code);
    error->set_error_message(message);
  }

  const std::vector<std::string>& service_names_;
  rpc::ServerStream& stream_;
  absl::flat_hash_set<std::string> sent_files_;
};

template <typename Request, typename Response>
absl::Status AddReflection(rpc::MethodTable& table, const std::vector<std::string>& service_names) {
  const auto* service = Request::descriptor()->file()->FindServiceByName("ServerReflection");
  if (absl::Status added = table.AddService(service); !added.ok()) return added;
  return table.SetBidiStreaming(
      absl::StrCat(service->full_name(), "/ServerReflectionInfo"),
      [&service_names](rpc::CallContext&, rpc::ServerStream& stream) -> std::unique_ptr<rpc::StreamObserver> {
        return std::make_unique<ReflectionStream<Request, Response>>(service_names, stream);
      });
}

}  // namespace

absl::Status ReflectionService::AddTo(rpc::MethodTable& table) {
  absl::Status v1 = AddReflection<grpc::reflection::v1::ServerReflectionRequest,
                                  grpc::reflection::v1::ServerReflectionResponse>(table, service_names_);
  if (!v1.ok()) return v1;
  return AddReflection<grpc::reflection::v1alpha::ServerReflectionRequest,
                       grpc::reflection::v1alpha::ServerReflectionResponse>(table, service_names_);
}

}  // namespace pipebridge::grpc_adapter
